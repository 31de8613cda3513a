<%inherit file="_notice.html.mako"/>
<p>The password of your account was just changed, and every other login ended.</p>
