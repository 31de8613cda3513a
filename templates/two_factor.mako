<%inherit file="base.mako"/>
<%def name="title()">Two-factor authentication</%def>
<h1>Two-factor authentication</h1>
<p>Enter the code from your authenticator app, or one of your recovery codes.</p>
<form method="post" action="/login">
  ${parent.csrf_field()}
  <label for="code">Verification code</label>
  <input id="code" name="code" type="text" autocomplete="one-time-code" autocapitalize="off"
         spellcheck="false" maxlength="64" required autofocus>
  <button type="submit">Verify</button>
</form>
% if sms_number:
<p class="links">
  Lost your device? <a href="/account/two-factor/recovery/sms">Text a recovery code to ${sms_number}</a>
</p>
% endif
<p class="links"><a href="/account/two-factor/recovery">Use a recovery code instead</a></p>
<p class="links"><a href="/login">Log in as someone else</a></p>
