<%inherit file="_layout.html.mako"/>
<p>To choose a new password, <a href="${link}">open this link</a>:</p>
<p>${link}</p>
<p>If you did not ask for this, ignore this message.</p>
