<%inherit file="/base.mako"/>
<%def name="title()">${heading}</%def>
<h1>${heading}</h1>
<p class="notice" role="status"><strong>Store these recovery codes somewhere safe now.</strong>
They are shown only this once. Each works once, if you lose your authenticator app.</p>
<ul class="codes" id="recovery-codes">
% for code in codes:
  <li><code>${code}</code></li>
% endfor
</ul>
<p class="links"><a href="/account">I have stored them: back to your account</a></p>
