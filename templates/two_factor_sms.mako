<%inherit file="base.mako"/>
<%def name="title()">Recovery by SMS</%def>
<h1>Recovery by SMS</h1>
% if sms_number:
<p>We can text a recovery code to <strong>${sms_number}</strong>.</p>
<form method="post" action="/account/two-factor/recovery/sms">
  ${parent.csrf_field()}
  <button type="submit" class="secondary">Send (or resend) SMS</button>
</form>
<form method="post" action="/login">
  ${parent.csrf_field()}
  <label for="code">Code from the SMS</label>
  <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
         maxlength="64" required autofocus>
  <button type="submit">Verify</button>
</form>
% else:
<p>There is no phone number for SMS recovery on this account.</p>
% endif
<p class="links"><a href="/account/two-factor/recovery">Use a recovery code instead</a></p>
