Someone asked to change the email address of your account to ${new_email}.

To confirm, open this link:

${link}

If you did not ask for this, ignore this message.
