// The only translation unit that expands DAHDI's ioctl macros and talks to libtonezone.
#include <string.h>
#include <sys/ioctl.h>
#include <dahdi/user.h>
#include <dahdi/tonezone.h>
#include "CDAHDI.h"

#define EXPORT(name) const unsigned long CDAHDI_##name = DAHDI_##name;
EXPORT(GET_BLOCKSIZE) EXPORT(SET_BLOCKSIZE) EXPORT(FLUSH) EXPORT(SYNC)
EXPORT(GET_PARAMS) EXPORT(GET_PARAMS_V1) EXPORT(SET_PARAMS) EXPORT(HOOK) EXPORT(GETEVENT)
EXPORT(IOMUX) EXPORT(SPANSTAT) EXPORT(SPANSTAT_V1) EXPORT(MAINT) EXPORT(GETGAINS)
EXPORT(GETGAINS_V1) EXPORT(SETGAINS) EXPORT(SPANCONFIG) EXPORT(CHANCONFIG) EXPORT(SENDTONE)
EXPORT(GETTONEZONE) EXPORT(SETTONEZONE) EXPORT(DEFAULTZONE) EXPORT(LOADZONE) EXPORT(FREEZONE)
EXPORT(GET_BUFINFO) EXPORT(SET_BUFINFO) EXPORT(AUDIOMODE) EXPORT(ECHOCANCEL)
EXPORT(ECHOCANCEL_PARAMS) EXPORT(CHANNO) EXPORT(DIALING) EXPORT(HDLCRAWMODE)
EXPORT(HDLCFCSMODE) EXPORT(SPECIFY) EXPORT(SETLAW) EXPORT(SETLINEAR) EXPORT(SETCADENCE)
EXPORT(GETRXBITS) EXPORT(SETTXBITS) EXPORT(TIMERCONFIG) EXPORT(TIMERACK) EXPORT(GETCONFMUTE)
EXPORT(ECHOTRAIN) EXPORT(ONHOOKTRANSFER) EXPORT(TIMERPING) EXPORT(TIMERPONG)
EXPORT(GETSIGFREEZE) EXPORT(SETSIGFREEZE) EXPORT(INDIRECT) EXPORT(GETVERSION) EXPORT(LOOPBACK)
EXPORT(ATTACH_ECHOCAN) EXPORT(SETPOLARITY) EXPORT(TONEDETECT) EXPORT(VMWI) EXPORT(STARTUP)
EXPORT(SHUTDOWN) EXPORT(HDLC_RATE) EXPORT(ECHOCANCEL_FAX_MODE) EXPORT(BUFFER_EVENTS)
EXPORT(GETCONF) EXPORT(SETCONF)

#define SIG(name) const int CDAHDI_SIG_##name = DAHDI_SIG_##name;
SIG(FXSLS) SIG(FXSGS) SIG(FXSKS) SIG(FXOLS) SIG(FXOGS) SIG(FXOKS) SIG(EM) SIG(CLEAR) SIG(HDLCRAW) SIG(HDLCFCS) SIG(HDLCNET) SIG(SLAVE) SIG(SF) SIG(CAS) SIG(DACS) SIG(EM_E1) SIG(DACS_RBS) SIG(HARDHDLC) SIG(MTP2)

int cdahdi_ioctl_ptr(int fd, unsigned long request, void *arg)
{
    return ioctl(fd, request, arg);
}

int cdahdi_ioctl_int(int fd, unsigned long request, int value)
{
    return ioctl(fd, request, value);
}

size_t cdahdi_spaninfo_size(void)
{
    return sizeof(struct dahdi_spaninfo);
}

#define COPY_FIELDS(dst, src) do { \
    (dst)->spanno = (src)->spanno; memcpy((dst)->name, (src)->name, sizeof((dst)->name)); \
    memcpy((dst)->desc, (src)->desc, sizeof((dst)->desc)); (dst)->alarms = (src)->alarms; \
    (dst)->txlevel = (src)->txlevel; (dst)->rxlevel = (src)->rxlevel; \
    (dst)->bpvcount = (src)->bpvcount; (dst)->crc4count = (src)->crc4count; \
    (dst)->ebitcount = (src)->ebitcount; (dst)->fascount = (src)->fascount; \
    (dst)->fecount = (src)->fecount; (dst)->cvcount = (src)->cvcount; \
    (dst)->becount = (src)->becount; (dst)->prbs = (src)->prbs; (dst)->errsec = (src)->errsec; \
    (dst)->irqmisses = (src)->irqmisses; (dst)->syncsrc = (src)->syncsrc; \
    (dst)->numchans = (src)->numchans; (dst)->totalchans = (src)->totalchans; \
    (dst)->totalspans = (src)->totalspans; (dst)->lbo = (src)->lbo; \
    (dst)->lineconfig = (src)->lineconfig; \
    memcpy((dst)->lboname, (src)->lboname, sizeof((dst)->lboname)); \
    memcpy((dst)->location, (src)->location, sizeof((dst)->location)); \
    memcpy((dst)->manufacturer, (src)->manufacturer, sizeof((dst)->manufacturer)); \
    memcpy((dst)->devicetype, (src)->devicetype, sizeof((dst)->devicetype)); \
    (dst)->irq = (src)->irq; (dst)->linecompat = (src)->linecompat; \
    memcpy((dst)->spantype, (src)->spantype, sizeof((dst)->spantype)); \
} while (0)

void cdahdi_spaninfo_decode(const void *raw, struct cdahdi_span_status *out)
{
    struct dahdi_spaninfo info;
    memcpy(&info, raw, sizeof(info));
    memset(out, 0, sizeof(*out));
    COPY_FIELDS(out, &info);
}

void cdahdi_spaninfo_encode(const struct cdahdi_span_status *in, void *raw)
{
    struct dahdi_spaninfo info;
    memset(&info, 0, sizeof(info));
    COPY_FIELDS(&info, in);
    memcpy(raw, &info, sizeof(info));
}

int cdahdi_spanstat(int fd, int spanno, struct cdahdi_span_status *out)
{
    struct dahdi_spaninfo info;
    memset(&info, 0, sizeof(info));
    info.spanno = spanno;
    int res = ioctl(fd, DAHDI_SPANSTAT, &info);
    if (res == 0)
        cdahdi_spaninfo_decode(&info, out);
    return res;
}

/* tone_zone_find takes a mutable name; look zones up through a bounded copy. */
static struct tone_zone *find_zone(const char *country)
{
    char name[16];
    strncpy(name, country, sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    return tone_zone_find(name);
}

int cdahdi_zone_ring_cadence(const char *country, int *out, int max)
{
    struct tone_zone *z = find_zone(country);
    if (z == NULL)
        return -1;
    int n = 0;
    while (n < max && n < DAHDI_MAX_CADENCE && z->ringcadence[n] != 0) {
        out[n] = z->ringcadence[n];
        n++;
    }
    return n;
}

int cdahdi_zone_number(const char *country)
{
    struct tone_zone *z = find_zone(country);
    return z == NULL ? -1 : z->zone;
}

const char *cdahdi_zone_tone(const char *country, int toneid)
{
    struct tone_zone *z = find_zone(country);
    if (z == NULL)
        return NULL;
    for (int i = 0; i < DAHDI_TONE_MAX; i++) {
        if (z->tones[i].data[0] != '\0' && z->tones[i].toneid == toneid)
            return z->tones[i].data;
    }
    return NULL;
}

const char *cdahdi_zone_description(int zone)
{
    struct tone_zone *z = tone_zone_find_by_num(zone);
    return z == NULL ? NULL : z->description;
}
