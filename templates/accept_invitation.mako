<%inherit file="base.mako"/>
<%def name="title()">Accept your invitation</%def>
<h1>Welcome</h1>
<p>Choose a password to finish creating your account.</p>
<p class="small">At least 8 characters. A long phrase that is easy to remember works well.</p>
<form method="post" action="/account/accept/ok">
  ${parent.csrf_field()}
  <input type="hidden" name="id" value="${invitation_id}">
  <input type="hidden" name="token" value="${token}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="new-password"
         minlength="8" maxlength="256" required autofocus>
  <label for="password_confirmation">Confirm password</label>
  <input id="password_confirmation" name="password_confirmation" type="password"
         autocomplete="new-password" minlength="8" maxlength="256" required>
  <button type="submit">Create my account</button>
</form>
