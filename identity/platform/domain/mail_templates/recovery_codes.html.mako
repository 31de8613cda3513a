<%inherit file="_notice.html.mako"/>
<p>New two-factor recovery codes were just made for your account; the old ones
no longer work.</p>
