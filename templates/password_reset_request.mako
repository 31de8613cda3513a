<%inherit file="base.mako"/>
<%def name="title()">Reset your password</%def>
<h1>Reset your password</h1>
% if notice:
<p class="notice" role="status">${notice}</p>
% else:
<p>Enter the email address of your account and we'll send you a link to choose a new password.</p>
% endif
<form method="post" action="/account/password/reset">
  ${parent.csrf_field()}
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="username" maxlength="254" required autofocus>
  <button type="submit">Send reset link</button>
</form>
<p class="links"><a href="/login">Back to log in</a></p>
