<%inherit file="_notice.txt.mako"/>\
Two-factor authentication was just turned off for your account: a password
alone now logs in.
