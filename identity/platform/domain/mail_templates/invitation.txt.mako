You have been invited to create an account for ${email}.

To accept and choose your password, open this link:

${link}
