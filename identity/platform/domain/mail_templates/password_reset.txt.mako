To choose a new password, open this link:

${link}

If you did not ask for this, ignore this message.
