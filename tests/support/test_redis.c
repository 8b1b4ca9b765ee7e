/* A redis-server of a test's own (test_redis.h). */
#include "test_redis.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return ntohs(a.sin_port);
}

static int answers(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	if (ok) {
		char reply[16] = "";
		ok = write(fd, "PING\r\n", 6) == 6 && read(fd, reply, sizeof reply - 1) > 0 && strncmp(reply, "+PONG", 5) == 0;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static int spawn(erp_test_redis *r)
{
	char port[16];
	snprintf(port, sizeof port, "%d", r->port);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly",
		       "no", "--daemonize", "no", (char *)NULL);
		_exit(127);
	}
	r->pid = pid;
	for (int i = 0; i < 500; i++) { /* up to 5 s */
		if (answers(r->port))
			return 0;
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			r->pid = 0;
			return -1;
		}
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	erp_test_redis_kill(r);
	return -1;
}

int erp_test_redis_start(erp_test_redis *r)
{
	memset(r, 0, sizeof *r);
	if ((r->port = free_port()) < 0)
		return -1;
	snprintf(r->url, sizeof r->url, "redis://127.0.0.1:%d", r->port);
	return spawn(r);
}

void erp_test_redis_kill(erp_test_redis *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	r->pid = 0;
}

int erp_test_redis_restart(erp_test_redis *r)
{
	erp_test_redis_kill(r);
	return spawn(r);
}

void erp_test_redis_stop(erp_test_redis *r)
{
	erp_test_redis_kill(r);
}
