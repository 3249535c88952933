#ifndef CDAHDI_H
#define CDAHDI_H

#include <dahdi/user.h>
#include <stdint.h>
#include <stddef.h>

/* ioctl request numbers: <dahdi/user.h> builds them with _IOW/_IOR, which Swift cannot import. */
extern const unsigned long CDAHDI_GET_BLOCKSIZE;
extern const unsigned long CDAHDI_SET_BLOCKSIZE;
extern const unsigned long CDAHDI_FLUSH;
extern const unsigned long CDAHDI_SYNC;
extern const unsigned long CDAHDI_GET_PARAMS;
extern const unsigned long CDAHDI_GET_PARAMS_V1;
extern const unsigned long CDAHDI_SET_PARAMS;
extern const unsigned long CDAHDI_HOOK;
extern const unsigned long CDAHDI_GETEVENT;
extern const unsigned long CDAHDI_IOMUX;
extern const unsigned long CDAHDI_SPANSTAT;
extern const unsigned long CDAHDI_SPANSTAT_V1;
extern const unsigned long CDAHDI_MAINT;
extern const unsigned long CDAHDI_GETGAINS;
extern const unsigned long CDAHDI_GETGAINS_V1;
extern const unsigned long CDAHDI_SETGAINS;
extern const unsigned long CDAHDI_SPANCONFIG;
extern const unsigned long CDAHDI_CHANCONFIG;
extern const unsigned long CDAHDI_SENDTONE;
extern const unsigned long CDAHDI_GETTONEZONE;
extern const unsigned long CDAHDI_SETTONEZONE;
extern const unsigned long CDAHDI_DEFAULTZONE;
extern const unsigned long CDAHDI_LOADZONE;
extern const unsigned long CDAHDI_FREEZONE;
extern const unsigned long CDAHDI_GET_BUFINFO;
extern const unsigned long CDAHDI_SET_BUFINFO;
extern const unsigned long CDAHDI_AUDIOMODE;
extern const unsigned long CDAHDI_ECHOCANCEL;
extern const unsigned long CDAHDI_ECHOCANCEL_PARAMS;
extern const unsigned long CDAHDI_CHANNO;
extern const unsigned long CDAHDI_DIALING;
extern const unsigned long CDAHDI_HDLCRAWMODE;
extern const unsigned long CDAHDI_HDLCFCSMODE;
extern const unsigned long CDAHDI_SPECIFY;
extern const unsigned long CDAHDI_SETLAW;
extern const unsigned long CDAHDI_SETLINEAR;
extern const unsigned long CDAHDI_SETCADENCE;
extern const unsigned long CDAHDI_GETRXBITS;
extern const unsigned long CDAHDI_SETTXBITS;
extern const unsigned long CDAHDI_TIMERCONFIG;
extern const unsigned long CDAHDI_TIMERACK;
extern const unsigned long CDAHDI_GETCONFMUTE;
extern const unsigned long CDAHDI_ECHOTRAIN;
extern const unsigned long CDAHDI_ONHOOKTRANSFER;
extern const unsigned long CDAHDI_TIMERPING;
extern const unsigned long CDAHDI_TIMERPONG;
extern const unsigned long CDAHDI_GETSIGFREEZE;
extern const unsigned long CDAHDI_SETSIGFREEZE;
extern const unsigned long CDAHDI_INDIRECT;
extern const unsigned long CDAHDI_GETVERSION;
extern const unsigned long CDAHDI_LOOPBACK;
extern const unsigned long CDAHDI_ATTACH_ECHOCAN;
extern const unsigned long CDAHDI_SETPOLARITY;
extern const unsigned long CDAHDI_TONEDETECT;
extern const unsigned long CDAHDI_VMWI;
extern const unsigned long CDAHDI_STARTUP;
extern const unsigned long CDAHDI_SHUTDOWN;
extern const unsigned long CDAHDI_HDLC_RATE;
extern const unsigned long CDAHDI_ECHOCANCEL_FAX_MODE;
extern const unsigned long CDAHDI_BUFFER_EVENTS;
extern const unsigned long CDAHDI_GETCONF;
extern const unsigned long CDAHDI_SETCONF;

/* Signalling types: several DAHDI_SIG_* macros combine others, which Swift cannot import. */
extern const int CDAHDI_SIG_FXSLS;
extern const int CDAHDI_SIG_FXSGS;
extern const int CDAHDI_SIG_FXSKS;
extern const int CDAHDI_SIG_FXOLS;
extern const int CDAHDI_SIG_FXOGS;
extern const int CDAHDI_SIG_FXOKS;
extern const int CDAHDI_SIG_EM;
extern const int CDAHDI_SIG_CLEAR;
extern const int CDAHDI_SIG_HDLCRAW;
extern const int CDAHDI_SIG_HDLCFCS;
extern const int CDAHDI_SIG_HDLCNET;
extern const int CDAHDI_SIG_SLAVE;
extern const int CDAHDI_SIG_SF;
extern const int CDAHDI_SIG_CAS;
extern const int CDAHDI_SIG_DACS;
extern const int CDAHDI_SIG_EM_E1;
extern const int CDAHDI_SIG_DACS_RBS;
extern const int CDAHDI_SIG_HARDHDLC;
extern const int CDAHDI_SIG_MTP2;

/* ioctl helpers with typed pointers, so Swift needs no variadic ioctl. Return ioctl's result; errno is left set. */
int cdahdi_ioctl_ptr(int fd, unsigned long request, void *arg);
int cdahdi_ioctl_int(int fd, unsigned long request, int value);

/* struct dahdi_spaninfo is packed, which Swift cannot import field by field; this mirror is not. */
struct cdahdi_span_status {
    int spanno;
    char name[20];
    char desc[40];
    int alarms;
    int txlevel;
    int rxlevel;
    int bpvcount;
    int crc4count;
    int ebitcount;
    int fascount;
    uint32_t fecount;
    uint32_t cvcount;
    uint32_t becount;
    uint32_t prbs;
    uint32_t errsec;
    int irqmisses;
    int syncsrc;
    int numchans;
    int totalchans;
    int totalspans;
    int lbo;
    int lineconfig;
    char lboname[40];
    char location[40];
    char manufacturer[40];
    char devicetype[40];
    int irq;
    int linecompat;
    char spantype[6];
};

/* Issue DAHDI_SPANSTAT for `spanno` on `fd` (an open ctl or channel) and copy the result into `out`. */
int cdahdi_spanstat(int fd, int spanno, struct cdahdi_span_status *out);
/* Size of the kernel's packed struct dahdi_spaninfo. */
size_t cdahdi_spaninfo_size(void);
/* Convert between the packed kernel layout (raw bytes) and the mirror. */
void cdahdi_spaninfo_decode(const void *raw, struct cdahdi_span_status *out);
void cdahdi_spaninfo_encode(const struct cdahdi_span_status *in, void *raw);

/* libtonezone: the ring cadence of a zone in ms (on, off, ...), ending at a 0 or after `max` values.
   Returns the number of values written, or -1 when libtonezone does not know the zone. */
int cdahdi_zone_ring_cadence(const char *country, int *out, int max);
/* libtonezone: the zone number of a country code ("us", "cn"...), or -1. */
int cdahdi_zone_number(const char *country);
/* libtonezone: the definition of tone `toneid` (DAHDI_TONE_*) in a zone, e.g. "480+620/500,0/500",
   or NULL when the zone or the tone is not defined. */
const char *cdahdi_zone_tone(const char *country, int toneid);
/* libtonezone: the description of zone number `zone`, or NULL. */
const char *cdahdi_zone_description(int zone);

#endif
