<%inherit file="/base.mako"/>
<%namespace file="/account/_problems.mako" import="summary"/>
<%def name="title()">Turn on two-factor authentication</%def>
<h1>Turn on two-factor authentication</h1>
${summary(problems)}
<ol class="steps">
  <li>Scan this code with an authenticator app:
    <div class="qr" role="img" aria-label="QR code of the secret below">${qr_svg | n}</div>
  </li>
  <li>Or enter this key in the app: <code id="totp-secret">${secret}</code>
    <p class="small">Setup link: <a id="otpauth-uri" href="${uri}">${uri}</a></p>
  </li>
  <li>Type the 6-digit code the app shows.</li>
</ol>
<form method="post" action="/account/two-factor">
  ${parent.csrf_field()}
  <input type="hidden" name="action" value="confirm">
  <label for="code">Code from the app</label>
  <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="10" required>
  <button type="submit">Turn on</button>
</form>
<p class="links"><a href="/account">Back to your account</a></p>
