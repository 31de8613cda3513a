<%inherit file="base.mako"/>
<%def name="title()">Choose a new password</%def>
<h1>Choose a new password</h1>
<p class="small">At least 8 characters. A long phrase that is easy to remember works well.</p>
<form method="post" action="${action}">
  ${parent.csrf_field()}
  <label for="password">New password</label>
  <input id="password" name="password" type="password" autocomplete="new-password"
         minlength="8" maxlength="256" required autofocus>
  <label for="password_confirmation">Confirm new password</label>
  <input id="password_confirmation" name="password_confirmation" type="password"
         autocomplete="new-password" minlength="8" maxlength="256" required>
  <button type="submit">Change password</button>
</form>
