/* Progressive enhancement only: every page works without this file.
 * "Near me": fills the home page's location field from the browser's
 * geolocation and sends the form. */
(function () {
  'use strict';
  var form = document.getElementById('near-form');
  if (!form || !navigator.geolocation) return;
  var input = document.getElementById('near');
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = '使用我的位置';
  var status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.className = 'muted';
  button.addEventListener('click', function () {
    status.textContent = '正在获取位置…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      input.value = pos.coords.latitude.toFixed(5) + ',' + pos.coords.longitude.toFixed(5);
      form.submit();
    }, function () {
      status.textContent = '无法获取您的位置,请按街道查找或手动输入。';
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 });
  });
  form.appendChild(button);
  form.appendChild(status);
}());
