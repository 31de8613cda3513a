<%def name="summary(problems)">
% if problems:
<div class="flash" role="alert" id="problems">
  <ul>
% for problem in problems:
    <li>${problem}</li>
% endfor
  </ul>
</div>
% endif
</%def>
