<%inherit file="_notice.html.mako"/>
<p>Two-factor authentication was just turned on for your account: logging in now
needs a code from your authenticator app or one of your recovery codes.</p>
