<%inherit file="_notice.txt.mako"/>\
${app_name} was just given access to your account, on ${when}. It may:

% for scope in scopes:
- ${scope}
% endfor

To see your applications, or revoke this one's access, open:

${applications_url}
