<%inherit file="_layout.html.mako"/>
<p>Someone asked to change the email address of your account to <strong>${new_email}</strong>.</p>
<p>To confirm, <a href="${link}">open this link</a>:</p>
<p>${link}</p>
<p>If you did not ask for this, ignore this message.</p>
