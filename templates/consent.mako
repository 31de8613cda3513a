<%inherit file="base.mako"/>
<%def name="title()">Authorize ${client.name}</%def>
<h1>Authorize ${client.name}?</h1>
% if client.description:
<p>${client.description}</p>
% endif
<p><strong>${client.name}</strong> is requesting the following access:</p>
<ul class="scopes">
% for scope, text in scopes:
  <li><code>${scope}</code> ${text}</li>
% endfor
</ul>
<p class="small">You can revoke this authorization at any time from
<a href="/account/applications">your account's authorized applications</a>.</p>
<form method="post" action="/oauth/authorize" class="actions">
  ${parent.csrf_field()}
% for name, value in params:
  <input type="hidden" name="${name}" value="${value}">
% endfor
  <button type="submit" name="authorize" value="Deny" class="secondary">Deny</button>
  <button type="submit" name="authorize" value="Allow">Allow</button>
</form>
<form method="post" action="/logout" class="logout">
  <p class="account">Granting access from <strong>${account_email}</strong>.
  Not you?
  ${parent.csrf_field()}
  <input type="hidden" name="url" value="${return_to}">
  <button type="submit" class="link">Log out</button></p>
</form>
