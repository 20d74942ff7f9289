/* log.h — messages to stderr in the command-line contract's shape:
 * "dti import: cannot open 'x.csv': no such file".  With DTI_LOG_TIME=1 (as
 * the nightly entry point sets) each line starts with an ISO time stamp. */
#ifndef DTI_LOG_H
#define DTI_LOG_H

void log_init(const char *program);
const char *log_program(void);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quiet mode drops info messages. */
void log_set_quiet(int quiet);

#endif
