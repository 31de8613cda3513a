<%inherit file="/base.mako"/>
<%def name="title()">Your account</%def>
<%def name="count(value, one, many)">${"Not available" if value is None else (one if value == 1 else many.format(value))}</%def>
<h1>Your account</h1>
<dl class="facts">
  <dt>Name</dt><dd>${name or "Not set"}</dd>
  <dt>Email</dt><dd>${email} · <a href="/account/email">Change email</a></dd>
  <dt>Password</dt><dd><a href="/account/password">Change password</a></dd>
  <dt>Two-factor authentication</dt><dd>${"On" if two_factor else "Off"} · <a href="/account/two-factor">${"Manage" if two_factor else "Turn on"}</a></dd>
  <dt>Authorized applications</dt><dd>${count(applications, "1 application", "{} applications")} · <a href="/account/applications">Manage applications</a></dd>
  <dt>Active sessions</dt><dd>${count(sessions, "1 session", "{} sessions")} · <a href="/account/sessions">Manage sessions</a></dd>
</dl>
<p class="links"><a href="/logout">Log out</a></p>
