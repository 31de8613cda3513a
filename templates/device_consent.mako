<%inherit file="base.mako"/>
<%def name="title()">Authorize ${client.client_name}</%def>
<h1>Authorize ${client.client_name}?</h1>
% if client.client_description:
<p>${client.client_description}</p>
% endif
<p>A device showing the code <strong>${user_code}</strong> asks for this access to your account
as <strong>${client.client_name}</strong>:</p>
<ul class="scopes">
% for scope, text in scopes:
  <li><code>${scope}</code> ${text}</li>
% endfor
</ul>
<p class="small">Allow only if you started this on your own device just now.</p>
<form method="post" action="/oauth/device" class="actions">
  ${parent.csrf_field()}
  <input type="hidden" name="user_code" value="${user_code}">
  <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
  <button type="submit" name="decision" value="approve">Allow</button>
</form>
