${next.body()}
If you did not do this, reset your password at once:

${reset_url}
