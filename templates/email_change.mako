<%inherit file="base.mako"/>
<%def name="title()">Change your email address</%def>
<h1>Change your email address</h1>
<p>Your account's address is <strong>${email}</strong>. We'll send a link to the new
address; the change is made when you open it.</p>
<form method="post" action="/account/email">
  ${parent.csrf_field()}
  <label for="email">New email address</label>
  <input id="email" name="email" type="email" autocomplete="email" maxlength="254" required autofocus>
  <label for="password">Current password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Send confirmation link</button>
</form>
<p class="links"><a href="/">Back</a></p>
