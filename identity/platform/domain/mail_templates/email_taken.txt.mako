Someone asked to change the email address of another account to this one.

This address already belongs to your account, so nothing was changed. If this
was you, log in with this address instead.
