<%inherit file="base.mako"/>
<%def name="title()">${heading}</%def>
<h1>${heading}</h1>
<p>${message}</p>
% if detail:
<p class="detail">Technical detail: <code>${detail}</code></p>
% endif
<p class="links"><a href="/">Back to the start</a></p>
