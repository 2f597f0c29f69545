// libjpeg-turbo's TurboJPEG API (Debian's libturbojpeg0-dev): scaled decode and encode of the supervisor page's
// photo thumbnails.
#include <turbojpeg.h>
