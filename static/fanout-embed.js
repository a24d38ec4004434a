/*
 * Fanout host script: include it once on a page that embeds the lab. It sizes every
 * <iframe data-fanout> to the lab's content as the lab reports its height, and does
 * nothing else. A message counts only if it comes from that iframe's own window and origin.
 *
 *   <iframe data-fanout src=".../?embed=1" title="Fanout: event-driven architecture lab"
 *           width="100%" height="720" style="border:0;width:100%"></iframe>
 *   <script src=".../static/fanout-embed.js" async></script>
 */
(function () {
  'use strict';
  if (window.fanoutEmbed) return;
  window.fanoutEmbed = true;

  var MAX_HEIGHT = 20000;

  function originOf(frame) {
    try {
      return new URL(frame.getAttribute('src'), document.baseURI).origin;
    } catch (e) {
      return null;
    }
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.source !== 'fanout' || data.type !== 'resize') return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    var frames = document.querySelectorAll('iframe[data-fanout]');
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && originOf(frame) === event.origin) {
        frame.style.height = Math.ceil(Math.min(height, MAX_HEIGHT)) + 'px';
      }
    }
  });
})();
