<%inherit file="_layout.html.mako"/>
<p>You have been invited to create an account for <strong>${email}</strong>.</p>
<p>To accept and choose your password, <a href="${link}">open this link</a>:</p>
<p>${link}</p>
