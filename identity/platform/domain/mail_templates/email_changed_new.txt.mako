<%inherit file="_notice.txt.mako"/>\
This address, ${new_email}, is now the login address of your account
(it was ${old_email}).
