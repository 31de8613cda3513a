<%inherit file="base.mako"/>
<%def name="title()">Connect a device</%def>
<h1>Connect a device</h1>
% if error:
<p class="flash" role="alert">${error}</p>
% endif
<p>Enter the code your device shows. Only enter a code that you asked for yourself.</p>
<form method="post" action="/oauth/device">
  ${parent.csrf_field()}
  <label for="user_code">Code</label>
  <input id="user_code" name="user_code" type="text" value="${user_code}" autocomplete="off"
         autocapitalize="characters" spellcheck="false" required autofocus>
  <button type="submit">Continue</button>
</form>
