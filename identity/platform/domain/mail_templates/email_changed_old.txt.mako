The login address of your account was just changed from ${old_email}
to ${new_email}; mail about the account now goes there.

If you did not do this, reply to this message (${support}) at once, and
reset the password from the new address if you can:

${reset_url}
