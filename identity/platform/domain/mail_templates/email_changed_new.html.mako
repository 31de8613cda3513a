<%inherit file="_notice.html.mako"/>
<p>This address, <strong>${new_email}</strong>, is now the login address of your account
(it was ${old_email}).</p>
