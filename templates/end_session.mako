<%inherit file="base.mako"/>
<%def name="title()">Log out</%def>
<h1>Log out?</h1>
<p>An application asked to log you out${" (" + user["email"] + ")" if user and user.get("email") else ""}.</p>
<form method="post" action="/oauth/end-session" class="actions">
  ${parent.csrf_field()}
% for name, value in params:
  <input type="hidden" name="${name}" value="${value}">
% endfor
  <button type="submit" name="confirm" value="Log out">Log out</button>
</form>
