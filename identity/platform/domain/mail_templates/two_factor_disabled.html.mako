<%inherit file="_notice.html.mako"/>
<p>Two-factor authentication was just turned off for your account: a password
alone now logs in.</p>
