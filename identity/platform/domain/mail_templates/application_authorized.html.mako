<%inherit file="_notice.html.mako"/>
<p><strong>${app_name}</strong> was just given access to your account, on ${when}. It may:</p>
<ul>
% for scope in scopes:
<li>${scope}</li>
% endfor
</ul>
<p><a href="${applications_url}">See your applications, or revoke this one's access</a>:</p>
<p>${applications_url}</p>
