<%inherit file="base.mako"/>
<%def name="title()">${heading}</%def>
<h1>${heading}</h1>
<p>${message}</p>
<p class="links"><a href="/">Back to the start</a></p>
