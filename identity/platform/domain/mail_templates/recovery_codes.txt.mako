<%inherit file="_notice.txt.mako"/>\
New two-factor recovery codes were just made for your account; the old ones
no longer work.
