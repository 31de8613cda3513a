<%inherit file="base.mako"/>
<%def name="title()">${"Device connected" if approved else "Request denied"}</%def>
% if approved:
<h1>Device connected</h1>
<p class="notice">You can return to your device now.</p>
% else:
<h1>Request denied</h1>
<p>The device was not given access to your account.</p>
% endif
