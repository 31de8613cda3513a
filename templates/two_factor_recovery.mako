<%inherit file="base.mako"/>
<%def name="title()">Recovery code</%def>
<h1>Use a recovery code</h1>
<p>Enter one of the recovery codes you saved when you set up two-factor authentication.
Each code works once.</p>
<form method="post" action="/login">
  ${parent.csrf_field()}
  <label for="code">Recovery code</label>
  <input id="code" name="code" type="text" autocomplete="one-time-code" autocapitalize="off"
         spellcheck="false" maxlength="64" required autofocus>
  <button type="submit">Verify</button>
</form>
% if sms_number:
<p class="links">No recovery codes? <a href="/account/two-factor/recovery/sms">Get a code via SMS to ${sms_number}</a></p>
% endif
<p class="links"><a href="/login/two-factor">Back</a></p>
