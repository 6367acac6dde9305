// Loaded between require.js and embed-amd.js on pages that embed Jupyter widgets.
(function () {
  // Point RequireJS at the site's own copy of the widgets bundle, never a CDN. This script is
  // served as _static/widgets-setup.js next to _static/html-manager/; the module URLs also set
  // where the bundle loads its fonts from, so they are computed from this script's URL.
  var dist = new URL("html-manager/dist/", document.currentScript.src).href;
  var bundle = dist + "embed-amd";
  require.config({
    paths: {
      "@jupyter-widgets/base": bundle,
      "@jupyter-widgets/controls": bundle,
      "@jupyter-widgets/html-manager": bundle,
      "@jupyter-widgets/html-manager/dist": dist.slice(0, -1),
    },
  });

  // The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue(["Typeset", Hub, el]);
  // the site serves MathJax 3, so forward those calls to MathJax.typesetPromise. The widgets
  // render on "load", after MathJax (deferred) has run and after this listener.
  window.addEventListener("load", function () {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && !mathjax.Hub) {
      mathjax.Hub = {
        Queue: function (job) {
          mathjax.startup.promise = mathjax.startup.promise.then(function () {
            return mathjax.typesetPromise([job[2]]);
          });
        },
      };
    }
  });
})();
