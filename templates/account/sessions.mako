<%inherit file="/base.mako"/>
<%def name="title()">Your sessions</%def>
<h1>Your sessions</h1>
<p class="small">Where your account is logged in now.</p>
<ul class="sessions">
% for session, current, browser in sessions:
  <li>
    <strong>${browser}</strong>${" (this session)" if current else ""}<br>
    <span class="small">Logged in ${(session.created_at or "at an unknown time").replace("T", " ").replace("Z", " UTC")}
    from ${session.ip or "an unknown address"}</span>
% if not current:
    <form method="post" action="/account/sessions">
      ${parent.csrf_field()}
      <input type="hidden" name="session_id" value="${session.id}">
      <button type="submit" class="secondary">Log out this session<span class="visually-hidden"> (${browser}, ${session.ip or "unknown address"})</span></button>
    </form>
% endif
  </li>
% endfor
</ul>
% if len(sessions) > 1:
<form method="post" action="/account/sessions">
  ${parent.csrf_field()}
  <input type="hidden" name="all_others" value="1">
  <button type="submit">Log out everywhere else</button>
</form>
% endif
<p class="links"><a href="/account">Back to your account</a></p>
