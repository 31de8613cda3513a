<%inherit file="base.mako"/>
<%def name="title()">Log in</%def>
<h1>Log in</h1>
% if client is not None:
<p class="lead">to continue to <strong>${client.name}</strong></p>
% endif
<form method="post" action="/login">
  ${parent.csrf_field()}
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="username" value="${login_hint}" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Log in</button>
</form>
<p class="links">
  <a href="/account/password/reset">Forgot your password?</a>
% if signup_url:
  · <a href="${signup_url}">Sign up</a>
% endif
% if sso_url:
  · <a href="${sso_url}">Log in with SSO</a>
% endif
</p>
