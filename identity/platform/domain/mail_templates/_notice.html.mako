<%inherit file="_layout.html.mako"/>
${next.body()}
<p>If you did not do this, <a href="${reset_url}">reset your password</a> at once:</p>
<p>${reset_url}</p>
