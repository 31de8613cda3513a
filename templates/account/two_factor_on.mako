<%inherit file="/base.mako"/>
<%namespace file="/account/_problems.mako" import="summary"/>
<%def name="title()">Two-factor authentication</%def>
<h1>Two-factor authentication is on</h1>
${summary(problems)}
<h2>New recovery codes</h2>
<p class="small">The codes you have now stop working.</p>
<form method="post" action="/account/two-factor">
  ${parent.csrf_field()}
  <input type="hidden" name="action" value="regenerate">
  <label for="regenerate-password">Password</label>
  <input id="regenerate-password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" class="secondary">Make new recovery codes</button>
</form>
<h2>Turn off</h2>
<form method="post" action="/account/two-factor">
  ${parent.csrf_field()}
  <input type="hidden" name="action" value="disable">
  <label for="disable-password">Password</label>
  <input id="disable-password" name="password" type="password" autocomplete="current-password" required>
  <label for="disable-code">Code from your app (or a recovery code)</label>
  <input id="disable-code" name="code" type="text" autocomplete="one-time-code" maxlength="20" required>
  <button type="submit">Turn off two-factor authentication</button>
</form>
<p class="links"><a href="/account">Back to your account</a></p>
