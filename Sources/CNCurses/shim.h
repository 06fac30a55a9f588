#ifndef GRU4REC_CNCURSES_SHIM_H
#define GRU4REC_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

/* Macros Swift cannot import, wrapped as functions. */
static inline attr_t gru4rec_A_BOLD(void) { return A_BOLD; }
static inline attr_t gru4rec_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t gru4rec_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t gru4rec_A_DIM(void) { return A_DIM; }
static inline attr_t gru4rec_A_NORMAL(void) { return A_NORMAL; }
static inline mmask_t gru4rec_ALL_MOUSE_EVENTS(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t gru4rec_REPORT_MOUSE_POSITION(void) { return REPORT_MOUSE_POSITION; }
static inline mmask_t gru4rec_BUTTON1_PRESSED(void) { return BUTTON1_PRESSED; }
static inline mmask_t gru4rec_BUTTON1_CLICKED(void) { return BUTTON1_CLICKED; }
static inline mmask_t gru4rec_BUTTON1_RELEASED(void) { return BUTTON1_RELEASED; }
static inline mmask_t gru4rec_BUTTON1_DOUBLE_CLICKED(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t gru4rec_BUTTON4_PRESSED(void) { return BUTTON4_PRESSED; }
static inline mmask_t gru4rec_BUTTON5_PRESSED(void) { return BUTTON5_PRESSED; }
static inline int gru4rec_KEY_F(int n) { return KEY_F(n); }
/* Hidden by Glibc's module map; re-declared. */
extern int wcwidth(wchar_t c);
#endif
