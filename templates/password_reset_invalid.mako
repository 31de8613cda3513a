<%inherit file="base.mako"/>
<%def name="title()">Reset link not found</%def>
<h1>Reset link not found</h1>
<p>${message}</p>
<p class="links"><a href="/account/password/reset">Request a new password reset link</a></p>
