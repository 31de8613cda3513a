<%inherit file="base.mako"/>
<%def name="title()">Demo client</%def>
<h1>Demo client callback</h1>
% if code:
<p>Identity sent the demo client back here with an authorization code
(state <code>${state}</code>). Exchange it within five minutes, once:</p>
<pre>curl -u CLIENT_ID:CLIENT_SECRET ${token_url} \
  -d grant_type=authorization_code \
  -d code=${code} \
  --data-urlencode redirect_uri=${redirect_uri}</pre>
<p class="small">CLIENT_ID and CLIENT_SECRET are the demo client's, printed by
<code>identity serve</code> on its first start.</p>
% else:
<p>The authorization ended with <code>${error or "no code"}</code>.</p>
% endif
