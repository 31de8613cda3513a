<%inherit file="/base.mako"/>
<%def name="title()">Authorized applications</%def>
<%def name="when(moment, unknown)">${(moment or unknown).replace("T", " ").replace("Z", " UTC")}</%def>
<h1>Authorized applications</h1>
% if not applications:
<p>No application has access to your account.</p>
% else:
<ul class="sessions">
% for app in applications:
  <li>
    <h2 class="app">${app.name}</h2>
    <p class="small">Approved ${when(app.approved_at, "at an unknown time")} · last used ${when(app.last_used_at, "not known")}</p>
    <p>It can:</p>
    <ul class="scopes">
% for words in app.scopes:
      <li>${words}</li>
% endfor
    </ul>
    <form method="post" action="/account/applications">
      ${parent.csrf_field()}
      <input type="hidden" name="client_id" value="${app.client_id}">
      <button type="submit" class="secondary">Revoke<span class="visually-hidden"> ${app.name}</span></button>
    </form>
  </li>
% endfor
</ul>
% endif
<p class="links"><a href="/account">Back to your account</a></p>
