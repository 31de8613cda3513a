<%inherit file="_notice.txt.mako"/>\
The password of your account was just changed, and every other login ended.
