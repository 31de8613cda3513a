<%inherit file="_layout.html.mako"/>
<p>The login address of your account was just changed from <strong>${old_email}</strong>
to <strong>${new_email}</strong>; mail about the account now goes there.</p>
<p>If you did not do this, reply to this message (${support}) at once, and
<a href="${reset_url}">reset the password</a> from the new address if you can:</p>
<p>${reset_url}</p>
