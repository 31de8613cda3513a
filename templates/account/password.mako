<%inherit file="/base.mako"/>
<%def name="title()">Change your password</%def>
<h1>Change your password</h1>
% if problems:
<div class="flash" role="alert" id="problems" tabindex="-1">
  <p><strong>The password was not changed:</strong></p>
  <ul>
% for problem in problems:
    <li>${problem}</li>
% endfor
  </ul>
</div>
% endif
<p class="small">At least 8 characters; a long phrase that is easy to remember works well.
Changing it logs out every other session of your account.</p>
<form method="post" action="/account/password">
  ${parent.csrf_field()}
  <label for="current_password">Current password</label>
  <input id="current_password" name="current_password" type="password" autocomplete="current-password" required autofocus>
  <label for="password">New password</label>
  <input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="256" required>
  <label for="password_confirmation">Confirm new password</label>
  <input id="password_confirmation" name="password_confirmation" type="password" autocomplete="new-password" minlength="8" maxlength="256" required>
  <button type="submit">Change password</button>
</form>
<p class="links"><a href="/account">Back to your account</a></p>
